{#- Fails for values not in the code list the contract gives for (feed, column); the list
    comes from the contract_codes seed, generated from pipelines/contract, so no code list is
    typed twice. -#}
{% test in_contract_codes(model, column_name, feed, contract_column=none) %}
select m.{{ column_name }} as offending_value
from {{ model }} as m
where m.{{ column_name }} is not null
  and m.{{ column_name }} not in (
      select code
      from {{ ref('contract_codes') }}
      where feed = '{{ feed }}'
        and column_name = '{{ contract_column or column_name }}'
  )
{% endtest %}
