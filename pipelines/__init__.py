"""SkillWatch: the data and analytics heart of Shanghai's vocational-training supervision."""
