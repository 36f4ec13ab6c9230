// otter devices list | show | history | events, otter assign, otter cancel
#include "cli/command_context.h"
#include "cli/errors.h"
#include "cli/output.h"

namespace otter::cli {
namespace {

using nlohmann::json;

struct ListOptions {
  std::size_t offset = 0;
  std::size_t limit = 100;
};
struct DeviceOptions {
  std::string device_id;
  std::size_t limit = 100;
};
struct AssignOptions {
  std::string device_id;
  std::string hardware_id;
  std::string target;
  std::string ecu;
};

std::string DevicePath(const std::string& id, std::string_view rest = "") {
  return "/api/v1/devices/" + UrlEncode(id) + std::string(rest);
}

std::string State(const json& device) {
  const json status = device.value("status", json::object());
  std::string state = Field(status, "state");
  if (status.contains("reason")) state += " (" + Field(status, "reason") + ")";
  return state;
}

std::string TargetName(const json& assignment) {
  return Field(assignment.value("target", json::object()), "name");
}

std::vector<Row> AssignmentRows(const json& assignments) {
  std::vector<Row> rows;
  for (const json& a : assignments) {
    const json result = a.value("result", json());
    std::string outcome = Field(a, "status");
    if (result.is_object() && !result.value("code", std::string()).empty())
      outcome += " " + Field(result, "code");
    rows.push_back({Field(a, "created_at"), Field(a, "correlation_id"), Field(a, "ecu"),
                    TargetName(a), outcome});
  }
  return rows;
}

std::string AssignmentTable(const json& assignments) {
  return FormatTable({"CREATED", "CORRELATION ID", "ECU", "TARGET", "STATUS"},
                     AssignmentRows(assignments));
}

std::string DeviceText(const json& device) {
  std::string text = "device " + Field(device, "id") + ": " + State(device) + "\n";
  text += "  created " + Field(device, "created_at") + ", last seen " + Field(device, "last_seen") +
          (device.value("revoked", false) ? ", REVOKED" : "") + "\n";
  std::vector<Row> ecus;
  for (const json& ecu : device.value("ecus", json::array())) {
    const json installed = ecu.value("installed", json());
    ecus.push_back({Field(ecu, "serial") + (ecu.value("primary", false) ? " *" : ""),
                    Field(ecu, "hardware_id"),
                    installed.is_object() ? Field(installed, "filepath") : "-"});
  }
  text += "ECUs (* primary):\n" + FormatTable({"SERIAL", "HARDWARE", "INSTALLED"}, ecus);
  text += "open assignments:\n" + AssignmentTable(device.value("open_assignments", json::array()));
  return text;
}

Status List(Context& context, const ListOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer,
               client.GetJson("/api/v1/devices?offset=" + std::to_string(options.offset) +
                              "&limit=" + std::to_string(options.limit)));
  std::vector<Row> rows;
  for (const json& device : answer.value("devices", json::array()))
    rows.push_back({Field(device, "id"), State(device), Field(device, "last_seen"),
                    Field(device, "created_at")});
  context.Print(answer, FormatTable({"DEVICE", "STATUS", "LAST SEEN", "CREATED"}, rows));
  return Ok();
}

Status Show(Context& context, const DeviceOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json device, client.GetJson(DevicePath(options.device_id)));
  context.Print(device, DeviceText(device));
  return Ok();
}

Status History(Context& context, const DeviceOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json history, client.GetJson(DevicePath(options.device_id, "/history")));
  std::vector<Row> reports;
  for (const json& report : history.value("reports", json::array()))
    reports.push_back({Field(report, "received_at"), Field(report, "correlation_id"),
                       report.value("success", false) ? "success" : "failure",
                       Field(report, "code"), Field(report, "description")});
  context.Print(
      history,
      "assignments:\n" + AssignmentTable(history.value("assignments", json::array())) +
          "installation reports:\n" +
          FormatTable({"RECEIVED", "CORRELATION ID", "RESULT", "CODE", "DESCRIPTION"}, reports));
  return Ok();
}

Status Events(Context& context, const DeviceOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer, client.GetJson(DevicePath(options.device_id, "/events?limit=") +
                                                 std::to_string(options.limit)));
  std::vector<Row> rows;
  for (const json& event : answer.value("events", json::array()))
    rows.push_back({Field(event, "received_at"), Field(event, "type"), Field(event, "ecu"),
                    Field(event, "correlation_id")});
  context.Print(answer, FormatTable({"RECEIVED", "TYPE", "ECU", "CORRELATION ID"}, rows));
  return Ok();
}

Result<json> AssignBody(const AssignOptions& options) {
  if (options.device_id.empty() == options.hardware_id.empty())
    return MakeError(CliErrc::kUsage, "give exactly one of --device and --hardware-id");
  if (!options.ecu.empty() && options.device_id.empty())
    return MakeError(CliErrc::kUsage, "--ecu goes with --device");
  json body = {{"target", options.target}};
  if (!options.device_id.empty()) body["device"] = options.device_id;
  if (!options.hardware_id.empty()) body["hardware_id"] = options.hardware_id;
  if (!options.ecu.empty()) body["ecu"] = options.ecu;
  return body;
}

Status Assign(Context& context, const AssignOptions& options) {
  OTTER_ASSIGN(const json body, AssignBody(options));
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer, client.SendJson("POST", "/api/v1/assignments", body));
  std::string human;
  for (const json& a : answer.value("assigned", json::array()))
    human += "assigned " + TargetName(a) + " to " + Field(a, "device") + " ECU " + Field(a, "ecu") +
             " (correlation id " + Field(a, "correlation_id") + ")\n";
  for (const json& s : answer.value("skipped", json::array()))
    human += "skipped " + Field(s, "device") + " ECU " + Field(s, "ecu") + ": " +
             Field(s, "reason") + "\n";
  if (human.empty()) human = "no ECU matched\n";
  context.Print(answer, human);
  return Ok();
}

Status Cancel(Context& context, const DeviceOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer,
               client.SendJson("DELETE", DevicePath(options.device_id, "/assignment"), json()));
  std::string human;
  for (const json& a : answer.value("cancelled", json::array()))
    human += "cancelled " + TargetName(a) + " on ECU " + Field(a, "ecu") + " (" +
             Field(a, "correlation_id") + ")\n";
  context.Print(answer, human);
  return Ok();
}

CLI::App* DeviceSubcommand(CLI::App* devices, Context& context, const std::string& name,
                           const std::string& about,
                           Status (*run)(Context&, const DeviceOptions&)) {
  auto options = std::make_shared<DeviceOptions>();
  CLI::App* command = devices->add_subcommand(name, about);
  command->add_option("ID", options->device_id, "device id")->required();
  if (name == "events")
    command->add_option("--limit", options->limit, "newest N events")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
  OnParsed(command, context, options, run);
  return command;
}

}  // namespace

void AddDeviceCommands(CLI::App& app, Context& context) {
  CLI::App* devices = app.add_subcommand("devices", "the fleet's devices (admin API)");
  devices->require_subcommand(1);
  auto list = std::make_shared<ListOptions>();
  CLI::App* listing = devices->add_subcommand("list", "list devices and their status");
  listing->add_option("--offset", list->offset)->capture_default_str();
  listing->add_option("--limit", list->limit)->check(CLI::Range(1, 1000))->capture_default_str();
  OnParsed(listing, context, list, &List);
  DeviceSubcommand(devices, context, "show", "a device: status, ECUs, open assignments", &Show);
  DeviceSubcommand(devices, context, "history", "assignments and installation reports", &History);
  DeviceSubcommand(devices, context, "events", "the device's newest events", &Events);

  auto assign = std::make_shared<AssignOptions>();
  CLI::App* assigning = app.add_subcommand(
      "assign", "assign a target to a device (or to every device of a hardware id)");
  assigning->add_option("--device", assign->device_id, "device id");
  assigning->add_option("--hardware-id", assign->hardware_id, "every ECU of this hardware id");
  assigning->add_option("--target", assign->target, "target name")->required();
  assigning->add_option("--ecu", assign->ecu, "ECU serial (default: the primary)");
  OnParsed(assigning, context, assign, &Assign);

  DeviceSubcommand(&app, context, "cancel", "cancel a device's open assignments", &Cancel);
}

}  // namespace otter::cli
