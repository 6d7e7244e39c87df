{#- Fails for every value that carries a clear ID number or mobile number. Use on every
    column that is derived from or may echo personal data (masked forms, JSON of originals,
    free text). -#}
{% test is_masked(model, column_name) %}
select {{ column_name }} as offending_value
from {{ model }}
where {{ column_name }} is not null
  and (
      regexp_matches(cast({{ column_name }} as varchar), {{ clear_id_number_pattern() }})
      or regexp_matches(cast({{ column_name }} as varchar), {{ clear_mobile_pattern() }})
  )
{% endtest %}
