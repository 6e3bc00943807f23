using KeepOperator.Operator.Hosting;

return await OperatorCli.RunAsync(args, Console.Out, Console.Error);
