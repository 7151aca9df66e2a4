"""Phoenix harness: migrate legacy template customizations to slot configs, proven render-identical."""

__all__ = ["__version__"]
__version__ = "0.1.0"
