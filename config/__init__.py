"""Settings, cluster rule files and policies for the hub."""
