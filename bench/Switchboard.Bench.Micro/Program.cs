using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Bench.Micro.BroadcastBenchmarks).Assembly).Run(args);
