import { exampleConfig, synthApp } from "./helpers/synth";

// Snapshots are for review: a diff here is a change to real infrastructure. Construct ids are
// part of the contract (renaming one replaces the resource), so read the diff before updating.
describe("stack snapshots from the example config", () => {
  it.each(["main-production", "data-production", "hosts-production", "edge-production"])("%s", async (stack) => {
    const { files } = synthApp(await exampleConfig());
    expect(files.get(`stacks/${stack}/cdk.tf.json`)).toMatchSnapshot();
  });
});
