using GoldenPath.Bench;

// The services of GoldenPath.Bench compiled with Native AOT; bench/run.sh starts them for section 2.
if (args is not ["serve", var mode, ..])
{
    Console.Error.WriteLine($"usage: GoldenPath.Bench.Aot serve <{string.Join('|', Services.Modes)}>");
    return 2;
}

await Services.RunAsync(mode, args[2..]);
return 0;
