"""The order domain: the order, its status machine and the store interface."""
