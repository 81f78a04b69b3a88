// SNNCompiler: lowers a pruned SNN for a neuromorphic chip.
//
// What is here so far:
//   TOML/      a small, strict TOML-subset parser (no C++ dependency)
//   Profiles/  `ChipProfile`, the chip target description read from `targets/*.toml`,
//              its schema (`ProfileField`), loader, search path and text rendering
