"""Data for other tools: plan.json (`plan_json`), indicators as CSV and XLSX
(`tables`), and the Word edition (`word`, with `word_parts`).
"""
