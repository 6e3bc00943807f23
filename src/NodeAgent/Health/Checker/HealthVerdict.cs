namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>What a check result decided about a real server (keepalived's update_svr_checker_state).</summary>
public enum HealthVerdict
{
    Up,
    Down,
}
