// Swagger UI for /docs, served from the swagger-ui-bundle package (no CDN); the validator
// badge is off because it would call a service outside the hub.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: document.getElementById('swagger-ui').getAttribute('data-spec-url'),
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  })
})
