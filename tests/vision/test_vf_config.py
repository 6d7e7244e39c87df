from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig, load_config


def test_defaults_env_and_toml(tmp_path):
    assert load_config(env={}) == DEFAULT_CONFIG
    toml = tmp_path / "vf.toml"
    toml.write_text(
        "[video_features]\ndark_luma_max = 30\nexpected_sizes = [[640, 360]]\ntypo_key = 1\n",
        encoding="utf-8",
    )
    cfg = load_config(toml, env={"SKILLWATCH_VF_FACE_SCORE_MIN": "0.35",
                                 "SKILLWATCH_VF_PERSON_CLASS_IDS": "0,1"})  # fmt: skip
    assert cfg.dark_luma_max == 30.0
    assert cfg.expected_sizes == ((640, 360),)
    assert cfg.face_score_min == 0.35
    assert cfg.person_class_ids == (0, 1)
    assert cfg.extra == {"typo_key": 1}
    env_sizes = load_config(env={"SKILLWATCH_VF_EXPECTED_SIZES": "640x360,1280x720"})
    assert env_sizes.expected_sizes == ((640, 360), (1280, 720))
    assert isinstance(cfg, VideoFeatureConfig)
