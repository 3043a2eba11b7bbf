"""Create every template resource in the emulator and collect what the runtime must run."""
