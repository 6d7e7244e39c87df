"""The camera network of a simulated city: classroom frames for a sample of sessions,
heartbeats, check-in photos (``simulate.simulate_cameras``), composited by ``synth``."""
