return KeepOperator.NodeAgent.Hosting.AgentCommandLine.Run(args);
