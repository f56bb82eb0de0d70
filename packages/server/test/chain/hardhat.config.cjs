// The in-process test node (local-chain.ts): hardhat's defaults (chain id 31337, automine, 20 funded
// accounts). No solidity section: the test token is compiled once and checked in (contracts/).
module.exports = {}
