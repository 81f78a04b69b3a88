import SNNIR

/// The cycle and energy figures of a target that the simulator charges per event.
///
/// SNNSimulator does not read chip profiles: the caller passes the deployment file's own figures
/// (`graph.estimates?.costs`, written by the compiler from the profile: `ChipProfile.costs`) or
/// builds them from a profile it loads.
///
/// What is charged, per time step (see DESIGN.md, "Simulator"):
/// - a *packet* is one event delivered to one destination core that holds at least one synapse of
///   the event's source unit; each packet costs one row fetch on that core and
///   `hops × cyclesPerHop` for its hops (Manhattan distance between source and destination core
///   on the placement's mesh);
/// - each non-zero synapse reached costs one synaptic op on the core of its post neuron;
/// - each neuron updated costs one neuron update on its core;
/// - the cores of one population work in parallel, so a population's phase lasts as long as its
///   busiest core; populations run one after the other in layer order (each needs the previous
///   one's spikes of the same step); every step ends with one barrier.
public typealias CostModel = TargetCosts
