"""Domain records: units (单位), their columns (栏目) and rosters (人员名单), and pages (稿件)."""
