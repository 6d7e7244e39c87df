"""The camera network: frames, heartbeats-based health, session coverage and check-in photo
reuse, on top of the pure ``video_features`` library.

Public entry points (the Dagster assets in ``assets.py`` are thin wrappers around them):

* ``frames.process_frames(settings, cfg, vf)`` - new files of ``<landing>/frames/`` into
  ``silver/camera_frames`` (+ ``camera_files`` register, ``camera_state``) and the image store.
* ``photos.process_photos(settings, cfg, vf)`` - ``silver/photo_hashes`` and
  ``silver/photo_reuse``.
* ``build.build_health_and_coverage(settings, cfg)`` - ``silver/camera_offline_intervals``,
  ``silver/camera_health``, ``silver/session_coverage``.

The camera simulator is not part of the product: ``simulator/cameras/``.
"""
