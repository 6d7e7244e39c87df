"""The e-learning system of a simulated city: catalogue, learners' SCORM sessions and plays
(``simulate.simulate_elearning``)."""
