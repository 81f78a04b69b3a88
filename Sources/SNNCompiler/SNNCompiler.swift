// SNNCompiler: lowers a pruned SNN for a neuromorphic chip.
//
//   TOML/      a small, strict TOML-subset parser (no C++ dependency)
//   Profiles/  `ChipProfile`, the chip target description read from `targets/*.toml`,
//              its schema (`ProfileField`), loader, search path and text rendering
//   Passes/    the compiler passes, each a pure `Graph → Graph` function over SNNIR:
//              foldBatchNorm, foldAveragePooling, foldInputGain, quantize, lowerToCSR,
//              mapCores, estimate; `compile` chains them
