"""pymrio's test system through gosplan: gross output and value-added multipliers.

Run: python examples/pymrio_test_system.py   (needs the optional extra: pip install gosplan[pymrio])
"""

import pymrio

import gosplan
from gosplan.scenarios.io_tables import pymrio_final_demand

io = pymrio.load_test()
economy = gosplan.Economy.from_pymrio(io, labour="Value Added")
plan = gosplan.balance(economy, pymrio_final_demand(io)).raise_for_status()
top = plan.gross_output.argsort()[::-1][:5]
print(f"{economy.n} products ({economy.name}); residual {plan.residual:.1e}")
for i in top:
    print(
        f"{economy.products[i]:>28}: x = {plan.gross_output[i]:14,.0f} {economy.units[i]}, "
        f"value-added multiplier {plan.valuations[i]:.3f}"
    )
