"""Use cases: what a handler or the packer asks deep_archive to do, over its adapters."""
