// Rebuilds TestToken.json from TestToken.sol. Not part of the test run (solc is not a dependency):
//   npm install --no-save solc@0.8.37 && node packages/server/test/chain/contracts/compile.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const solc = createRequire(import.meta.url)('solc')
const here = new URL('.', import.meta.url)
const input = {
  language: 'Solidity',
  sources: { 'TestToken.sol': { content: readFileSync(new URL('TestToken.sol', here), 'utf8') } },
  settings: {
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
}
const output = JSON.parse(solc.compile(JSON.stringify(input)))
const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
const contract = output.contracts['TestToken.sol'].TestToken
const json = {
  compiler: `solc-js ${solc.version()}`,
  evmVersion: 'paris',
  abi: contract.abi,
  bytecode: `0x${contract.evm.bytecode.object}`,
}
writeFileSync(new URL('TestToken.json', here), `${JSON.stringify(json, null, 2)}\n`)
console.log(`TestToken.json: ${contract.evm.bytecode.object.length / 2} bytes of bytecode`)
