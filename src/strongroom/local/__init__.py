"""The embedded local stack: AWS emulator, template provisioner, Lambda-faithful event sources."""
