"""Control indicators (控制指标): each node's yearly limits (its 目标责任书, or set by the county
admin) and how much of each the year's accidents have used (DOMAIN §6)."""
