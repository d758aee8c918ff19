"""A local double of Oktopus's controller REST API (TR-369/USP), for the USP client's tests."""

from simulators.oktopus_controller.server import OktopusDouble, usp_device_params

__all__ = ["OktopusDouble", "usp_device_params"]
