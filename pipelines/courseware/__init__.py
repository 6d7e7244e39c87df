"""The courseware library (课件库): SCORM 1.2 / 2004 and AICC packages catalogued from their
zips as streams, never unpacked to disk; hostile or broken packages kept with a reason."""
