"""Continuing education (师资继续教育) and public video courses (公益类视频课程): the e-learning
system's simulator, SCORM 1.2 session semantics, learning progress, anomalies and reminders."""
