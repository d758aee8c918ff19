"""Run one simulated modem GUI: `python -m simulators.modem_gui --port 8080` then open it in a browser."""

import argparse
import time

from .server import ModemGuiSimulator


def main():
	parser = argparse.ArgumentParser(description="Simulated XX230v-style modem web GUI")
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=0)
	parser.add_argument("--user", default="admin")
	parser.add_argument("--password", default="admin")
	args = parser.parse_args()
	with ModemGuiSimulator(args.host, args.port, username=args.user, password=args.password) as sim:
		print(f"modem GUI on {sim.base_url} (user {args.user})", flush=True)
		try:
			while True:
				time.sleep(3600)
		except KeyboardInterrupt:
			pass


if __name__ == "__main__":
	main()
