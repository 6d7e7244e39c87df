{#- Fails unless the value is a keyed pseudonym: 32 lowercase hex digits (HMAC-SHA256, 128
    bits; pipelines/lib/pii.py). -#}
{% test is_pseudonym(model, column_name) %}
select {{ column_name }} as offending_value
from {{ model }}
where {{ column_name }} is not null
  and not regexp_full_match({{ column_name }}, '[0-9a-f]{32}')
{% endtest %}
