"""Loss on a real veth link between two network namespaces that the tests create."""
