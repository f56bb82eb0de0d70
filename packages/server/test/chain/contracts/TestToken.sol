// SPDX-License-Identifier: MIT
// A stand-in ERC-20 for the local test chain: any decimals (6 like USDT/USDC on most chains, 18 like
// the Binance-peg tokens on bsc), the whole supply minted to the deployer. Two extras for watcher and
// payout tests: `transferMany` emits several Transfer logs in one transaction, and the deployer can
// `setBlocked` a recipient so that transfers to it revert (a payout that fails on chain).
// Compiled once with solc-js 0.8.37 (evmVersion paris, optimizer 200 runs) into TestToken.json by
// compile.mjs; the JSON is checked in because no compiler can be downloaded in the test run.
pragma solidity ^0.8.20;

contract TestToken {
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    address public owner;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(address => bool) public blocked;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 supply) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        owner = msg.sender;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "allowance");
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferMany(address[] calldata to, uint256[] calldata values) external {
        require(to.length == values.length, "lengths");
        for (uint256 i = 0; i < to.length; i++) _move(msg.sender, to[i], values[i]);
    }

    function setBlocked(address account, bool isBlocked) external {
        require(msg.sender == owner, "owner");
        blocked[account] = isBlocked;
    }

    function _move(address from, address to, uint256 value) private {
        require(!blocked[to], "blocked");
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
