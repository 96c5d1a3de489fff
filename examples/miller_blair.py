"""The textbook two-sector economy (Miller & Blair, Input-Output Analysis, section 2.3).

Run: python examples/miller_blair.py
"""

import gosplan

economy = gosplan.Economy(
    products=["agriculture", "manufacturing"],
    A=[[0.15, 0.25], [0.20, 0.05]],
    labour=[0.3, 0.2],
    units=("$ bn", "$ bn"),
)
plan = gosplan.balance(economy, {"agriculture": 350, "manufacturing": 1700}).raise_for_status()
for product, x, v in zip(economy.products, plan.gross_output, plan.valuations, strict=True):
    print(f"{product:>14}: gross output {x:8.2f}, labour value {v:.4f}")
print(f"labour required: {plan.labour_required:.1f}; residual {plan.residual:.1e}")
