{#- Fails for rows where `earlier` comes after `later` (or equals it, when strict). Rows where
    either side is null pass: not_null tests say whether nulls are allowed. -#}
{% test date_order(model, earlier, later, strict=false) %}
select {{ earlier }} as earlier_value, {{ later }} as later_value
from {{ model }}
where {{ earlier }} is not null
  and {{ later }} is not null
  and {{ earlier }} {{ '>=' if strict else '>' }} {{ later }}
{% endtest %}
