"""pytest plugin entry point (``pytest11``); the fleet-check options and hooks are added by issue 6."""
