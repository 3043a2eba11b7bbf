"""Batch entry points: ``python -m strongroom.deep_archive.jobs.packer JOB_ID``."""
