from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "gigafibre_fsm"
