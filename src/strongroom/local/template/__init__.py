"""Reading SAM/CloudFormation templates: YAML with short-form intrinsics, resolution, nesting."""
