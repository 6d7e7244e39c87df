{#- 数据集状态 Which sources hold data and which marts could be computed: published beside
    the marts so that an empty table is never mistaken for "nothing found".
    - one row per source (a bronze feed, the register, quarantine, dq_results, the silver
      camera / e-learning / alert tables): 'ok' when it has rows, 'no_data' when it is
      absent (never delivered, or its asset has not run) or empty;
    - one row per mart: 'ok' when it has rows, or when it is empty although every source it
      reads has rows (a genuine "none found"); 'no_data' when it is empty and some of its
      sources are; missing_inputs names the empty sources either way (a mart can have rows
      and still lack an input, e.g. stats without inspections).
    The per-rule view of the same question is alert_rule_status.
    Each mart needs a depends_on line below (so this model runs after it); a mart without
    one is listed with status 'unknown' until the line is added. -#}
-- depends_on: {{ ref('alert_candidates') }}
-- depends_on: {{ ref('alert_findings') }}
-- depends_on: {{ ref('alert_rule_status') }}
-- depends_on: {{ ref('alert_rules') }}
-- depends_on: {{ ref('alerts') }}
-- depends_on: {{ ref('dim_camera') }}
-- depends_on: {{ ref('dim_class') }}
-- depends_on: {{ ref('dim_district') }}
-- depends_on: {{ ref('dim_institution') }}
-- depends_on: {{ ref('dim_occupation') }}
-- depends_on: {{ ref('dim_person') }}
-- depends_on: {{ ref('dim_teacher') }}
-- depends_on: {{ ref('fct_attendance') }}
-- depends_on: {{ ref('fct_camera_health_daily') }}
-- depends_on: {{ ref('fct_camera_history') }}
-- depends_on: {{ ref('fct_camera_offline_intervals') }}
-- depends_on: {{ ref('fct_camera_patrols') }}
-- depends_on: {{ ref('fct_camera_relocations') }}
-- depends_on: {{ ref('fct_claims') }}
-- depends_on: {{ ref('fct_deliveries') }}
-- depends_on: {{ ref('fct_dq_results') }}
-- depends_on: {{ ref('fct_elearning_alerts') }}
-- depends_on: {{ ref('fct_elearning_compliance') }}
-- depends_on: {{ ref('fct_elearning_progress') }}
-- depends_on: {{ ref('fct_enrolments') }}
-- depends_on: {{ ref('fct_inspections') }}
-- depends_on: {{ ref('fct_online_learning') }}
-- depends_on: {{ ref('fct_patrol_picture_checks') }}
-- depends_on: {{ ref('fct_person_overlaps') }}
-- depends_on: {{ ref('fct_photo_reuse') }}
-- depends_on: {{ ref('fct_quarantine') }}
-- depends_on: {{ ref('fct_session_attendance') }}
-- depends_on: {{ ref('fct_session_coverage') }}
-- depends_on: {{ ref('fct_sessions') }}
-- depends_on: {{ ref('fct_tickets') }}
-- depends_on: {{ ref('fct_work_orders') }}
-- depends_on: {{ ref('fct_work_orders_open') }}
-- depends_on: {{ ref('mart_courseware_catalogue') }}
-- depends_on: {{ ref('mart_courseware_course_links') }}
-- depends_on: {{ ref('mart_courseware_duplicates') }}
-- depends_on: {{ ref('mart_courseware_findings') }}
-- depends_on: {{ ref('stats_district_occupation_month') }}
-- depends_on: {{ ref('stats_elearning_courses') }}
-- depends_on: {{ ref('stats_elearning_logins_daily') }}
-- depends_on: {{ ref('stats_elearning_notifications_daily') }}
-- depends_on: {{ ref('stats_online_concurrency') }}
-- depends_on: {{ ref('stats_online_enrolment_hours') }}
-- depends_on: {{ ref('stats_patrol_coverage') }}
-- depends_on: {{ ref('stats_public_courses_by_course') }}
-- depends_on: {{ ref('stats_public_courses_by_slice') }}
-- depends_on: {{ ref('stats_repair_times_monthly') }}
-- depends_on: {{ ref('stats_tickets_weekly') }}

{%- set sources = [] -%}
{%- set marts = [] -%}
{%- if execute -%}
    {%- for src in graph.sources.values() | selectattr('package_name', 'equalto', project_name) | sort(attribute='unique_id') -%}
        {%- set relation = adapter.get_relation(src.database, src.schema, src.identifier) -%}
        {%- do sources.append((src.source_name ~ '.' ~ src.name, relation)) -%}
    {%- endfor -%}
    {%- for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | sort(attribute='name') -%}
        {%- if node.schema == 'marts' and node.unique_id != model.unique_id -%}
            {%- do marts.append((node.name, node.unique_id in model.depends_on.nodes, upstream_sources(node.unique_id))) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

source_rows as (
    select * from (values
        {%- for name, relation in sources %}
        ('{{ name }}', {% if relation is not none %}(select count(*) from {{ relation }}){% else %}0{% endif %}){{ ',' if not loop.last }}
        {%- endfor %}
        {%- if not sources %}
        ('', 0)
        {%- endif %}
    ) as t (name, row_count)
    where name <> ''
),

mart_rows as (
    select * from (values
        {%- for name, declared, inputs in marts %}
        ('{{ name }}', {% if declared %}(select count(*) from {{ ref(name) }}){% else %}cast(null as bigint){% endif %},
            {{ declared }}, [{% for i in inputs %}'{{ i }}'{{ ', ' if not loop.last }}{% endfor %}]::varchar[]){{ ',' if not loop.last }}
        {%- endfor %}
        {%- if not marts %}
        ('', 0, true, []::varchar[])
        {%- endif %}
    ) as t (name, row_count, declared, inputs)
    where name <> ''
),

mart_missing as (
    select mart_inputs.name,
        string_agg(mart_inputs.input, ';' order by mart_inputs.input) as missing_inputs
    from (select name, unnest(inputs) as input from mart_rows) as mart_inputs
    inner join source_rows on source_rows.name = mart_inputs.input
    where source_rows.row_count = 0
    group by mart_inputs.name
),

final as (
    select
        'source' as kind,
        name,
        row_count,
        case when row_count > 0 then 'ok' else 'no_data' end as status,
        cast(null as varchar) as inputs,
        cast(null as varchar) as missing_inputs,
        case when row_count = 0
            then '尚未报送或尚未生成 not delivered, or not computed yet' end as reason
    from source_rows
    union all
    select
        'mart',
        mart_rows.name,
        mart_rows.row_count,
        case
            when not mart_rows.declared then 'unknown'
            when mart_rows.row_count > 0 or mart_missing.missing_inputs is null then 'ok'
            else 'no_data'
        end,
        array_to_string(mart_rows.inputs, ';'),
        mart_missing.missing_inputs,
        case
            when not mart_rows.declared
                then 'mart_status.sql lacks a depends_on line for this mart'
            when mart_rows.row_count = 0 and mart_missing.missing_inputs is not null
                then '输入无数据 no data in: ' || mart_missing.missing_inputs
            when mart_rows.row_count = 0 then '输入齐全，结果为空 inputs present, nothing found'
        end
    from mart_rows
    left join mart_missing on mart_rows.name = mart_missing.name
)

select * from final
order by kind desc, name
