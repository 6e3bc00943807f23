// The operator lands with its own issue (operator and CRDs); until then the binary says so plainly.
Console.Error.WriteLine("keepoperator: the operator is not built yet; run keepoperator-agent --config FILE --node-name NAME.");
return 2;
