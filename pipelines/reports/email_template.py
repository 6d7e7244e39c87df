# ruff: noqa: E501  (an HTML template: its lines are markup, not code)
"""The Chinese HTML body of a district's report (jinja2; kept in code so it ships with the
package without package-data configuration)."""

HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ subject }}</title></head>
<body style="font-family: 'Microsoft YaHei', 'PingFang SC', sans-serif; color:#222; max-width:860px">
<h2 style="margin-bottom:4px">{{ r.district_name }}职业技能培训数据质量报告</h2>
<p style="color:#666; margin-top:0">{{ r.batch_label }} · 生成于 {{ generated_at }} · 区代码 {{ r.district_code }}</p>

<p>{{ contact_name }}您好:</p>
{% if t.files == 0 %}
<p>本批次未收到贵区报送的数据文件。如已报送,请核对落地目录与文件命名是否符合《数据对接规范》。</p>
{% else %}
<p>本批次共收到贵区 <b>{{ t.files }}</b> 个文件、<b>{{ t.rows_read }}</b> 行数据:
接收 <b>{{ t.rows_accepted }}</b> 行,隔离 <b style="color:#c0392b">{{ t.rows_quarantined }}</b> 行
(接收率 {{ pct(acceptance) }}){% if t.files_unreadable %},另有 <b>{{ t.files_unreadable }}</b> 个文件无法读取{% endif %}。
被隔离的行及原因见附件《{{ attachment_name }}》(个人信息已脱敏)。</p>

<h3>各数据类别</h3>
{{ chart | safe }}
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse; font-size:13px">
<tr style="background:#f0f0f0"><th>数据类别</th><th>文件数</th><th>读取行数</th><th>接收</th><th>隔离</th></tr>
{% for f in by_feed %}<tr><td>{{ f.feed_zh }}</td><td align="right">{{ f.files }}</td>
<td align="right">{{ f.rows_read }}</td><td align="right">{{ f.rows_accepted }}</td>
<td align="right">{{ f.rows_quarantined }}</td></tr>{% endfor %}
</table>

<h3>检查项通过率</h3>
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse; font-size:13px">
<tr style="background:#f0f0f0"><th>数据类别</th><th>检查项</th><th>级别</th><th>检查行数</th><th>不通过行数</th><th>通过率</th></tr>
{% for c in checks if c.rows_failed %}<tr{% if c.rows_failed %} style="background:#fdecea"{% endif %}>
<td>{{ feed_zh(c.feed) }}</td><td>{{ c.label }}</td><td>{{ severity_zh.get(c.severity, c.severity) }}</td>
<td align="right">{{ c.rows_checked }}</td><td align="right">{{ c.rows_failed }}</td>
<td align="right">{{ pct(c.pass_rate) }}</td></tr>{% endfor %}
</table>
<p style="font-size:13px">其余 {{ checks | rejectattr('rows_failed') | list | length }} 项检查全部通过;全部检查项见附件“检查项通过率”工作表。</p>

<h3>趋势(按报送时间)</h3>
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse; font-size:13px">
<tr style="background:#f0f0f0"><th></th><th>本周{% if trend.this_week %}({{ trend.this_week[0] }} 起){% endif %}</th><th>上周</th><th>变化</th></tr>
<tr><td>数据行接收率</td><td align="right">{{ pct(trend.acceptance_this_week) }}</td>
<td align="right">{{ pct(trend.acceptance_previous_week) }}</td><td align="right">{{ change(trend.acceptance_change) }}</td></tr>
<tr><td>检查项通过比例</td><td align="right">{{ pct(trend.checks_passed_this_week) }}</td>
<td align="right">{{ pct(trend.checks_passed_previous_week) }}</td><td align="right">{{ change(trend.checks_passed_change) }}</td></tr>
</table>

<h3>文件清单</h3>
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse; font-size:12px">
<tr style="background:#f0f0f0"><th>文件</th><th>状态</th><th>读取</th><th>接收</th><th>隔离</th><th>说明</th></tr>
{% for f in files %}<tr><td>{{ f.file }}</td><td>{{ status_zh(f.status) }}</td>
<td align="right">{{ f.rows_read }}</td><td align="right">{{ f.rows_accepted }}</td>
<td align="right">{{ f.rows_quarantined }}</td><td>{{ reason_zh(f.reason) }}</td></tr>{% endfor %}
</table>
{% endif %}
<p style="color:#888; font-size:12px">本邮件由 SkillWatch 数据平台自动发送,每批次每区一封。
身份证号、姓名、手机号均以脱敏形式展示。如有疑问请联系市级数据管理员。</p>
</body></html>
"""
