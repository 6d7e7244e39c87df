"""Early warnings (预警): the rule models live in dbt (dbt_project/models/alerts); this package
keeps what must outlive a rebuild of the DuckDB file - the alert register and the analysts'
actions, as Delta tables - and the institution status history W10 needs, the evaluation
against the simulator's truth and the ``skillwatch alerts`` command."""
