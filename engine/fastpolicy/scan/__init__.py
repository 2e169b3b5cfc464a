"""Stage 2: choose files, compile the records into one semgrep config, run it, turn results into findings."""
