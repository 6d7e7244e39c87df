{#- RE2 patterns for personal data in clear (the is_masked test; tests/warehouse uses the same
    shapes): an 18-character resident ID number (GB 11643: 6-digit area, a 19xx/20xx birth
    date, sequence, check character) or an 11-digit mainland mobile, not embedded in a longer
    run of digits/letters. The birth date matters: 18-digit certificate numbers (cert_no
    202631010661928601 in the simulator) are not ID numbers. Letters bound a mobile too: a
    photo id such as P2342b13781988223 holds 11 digits from 13 by chance, and on the
    city-year that false match failed the quarantine's is_masked test and the whole build. -#}
{% macro clear_id_number_pattern() -%}
    '(^|[^0-9A-Za-z])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]($|[^0-9A-Za-z])'
{%- endmacro %}

{% macro clear_mobile_pattern() -%}
    '(^|[^0-9A-Za-z])1[3-9][0-9]{9}($|[^0-9A-Za-z])'
{%- endmacro %}
