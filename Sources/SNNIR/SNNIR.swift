/// SNNIR: dependency-free value types for the deployment IR (graph, CSR tables, quantisation, placement, estimates).
