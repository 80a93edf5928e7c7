/**
 * The tests' Telegram: the sandbox's local Bot API server (src/sandbox/botApi/), one implementation for both.
 * Tests act as users through SimulatedUser, named TestUser here.
 */
export * from '../../../src/sandbox/botApi/index.ts';
export { SimulatedUser as TestUser } from '../../../src/sandbox/botApi/index.ts';
