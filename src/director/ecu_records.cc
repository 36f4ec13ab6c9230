#include "director/ecu_records.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "director/assignment_records.h"
#include "director/sql_util.h"

namespace otter::director::internal {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxEcus = 64;

// aktualizr sends {"keytype": "ED25519", "keyval": {...}} without a scheme.
Result<json> NormalisedKey(const json& client_key) {
  if (!client_key.is_object() || !client_key.contains("keytype") ||
      !client_key["keytype"].is_string())
    return Malformed("clientKey needs a keytype");
  json key = client_key;
  std::string keytype = key["keytype"].get<std::string>();
  std::transform(keytype.begin(), keytype.end(), keytype.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto type = ParseKeyType(keytype);
  if (!type) return Malformed("clientKey: unsupported keytype \"" + keytype + "\"");
  key["keytype"] = keytype;
  if (!key.contains("scheme")) key["scheme"] = KeySchemeName(*type);
  auto public_key = PublicKey::FromTufJson(key);
  if (!public_key) return Malformed("clientKey: " + public_key.error().message());
  return public_key->ToTufJson();
}

Result<std::string> StringMember(const json& object, const char* name) {
  if (!object.contains(name) || !object[name].is_string())
    return Malformed(std::string("\"") + name + "\" must be a string");
  return object[name].get<std::string>();
}

Result<EcuRegistration> ParseEcu(const json& ecu) {
  if (!ecu.is_object()) return Malformed("each of \"ecus\" must be an object");
  EcuRegistration out;
  OTTER_ASSIGN(out.serial, StringMember(ecu, "ecu_serial"));
  OTTER_TRY(CheckIdentifier(out.serial, "ecu_serial"));
  OTTER_ASSIGN(out.hardware_id, StringMember(ecu, "hardware_identifier"));
  OTTER_TRY(CheckIdentifier(out.hardware_id, "hardware_identifier"));
  if (!ecu.contains("clientKey")) return Malformed("ECU " + out.serial + " has no clientKey");
  OTTER_ASSIGN_CONTEXT(out.public_key, NormalisedKey(ecu["clientKey"]), "ECU " + out.serial);
  return out;
}

Status CheckSet(const std::vector<EcuRegistration>& ecus, const std::string& primary) {
  if (ecus.empty() || ecus.size() > kMaxEcus)
    return Malformed("\"ecus\" must list 1 to " + std::to_string(kMaxEcus) + " ECUs");
  std::set<std::string> serials;
  for (const auto& ecu : ecus) {
    if (!serials.insert(ecu.serial).second)
      return Malformed("ECU " + ecu.serial + " is listed twice");
  }
  if (serials.count(primary) == 0)
    return Malformed("primary_ecu_serial " + primary + " is not among \"ecus\"");
  return Ok();
}

bool SameSet(const std::vector<Ecu>& existing, const std::vector<EcuRegistration>& wanted) {
  if (existing.size() != wanted.size()) return false;
  return std::all_of(wanted.begin(), wanted.end(), [&](const EcuRegistration& ecu) {
    const Ecu* old = FindEcu(existing, ecu.serial);
    return old != nullptr && old->hardware_id == ecu.hardware_id &&
           old->public_key == ecu.public_key && old->primary == ecu.primary;
  });
}

const EcuRegistration* FindRegistration(const std::vector<EcuRegistration>& ecus,
                                        const std::string& serial) {
  auto it = std::find_if(ecus.begin(), ecus.end(),
                         [&](const EcuRegistration& ecu) { return ecu.serial == serial; });
  return it == ecus.end() ? nullptr : &*it;
}

Status RetireOld(soci::session& sql, const std::vector<Ecu>& existing,
                 const std::vector<EcuRegistration>& wanted, TimePoint now) {
  for (const Ecu& old : existing) {
    const EcuRegistration* replacement = FindRegistration(wanted, old.serial);
    if (replacement != nullptr && replacement->hardware_id == old.hardware_id) continue;
    OTTER_TRY(CancelOpenForEcu(sql, old.serial, "the device re-registered its ECUs", now));
    if (replacement != nullptr) continue;
    sql << "DELETE FROM director_ecus WHERE serial = :serial", soci::use(old.serial);
  }
  return Ok();
}

void UpdateEcu(soci::session& sql, const Ecu& old, const EcuRegistration& ecu, TimePoint now) {
  const std::string key = JsonText(ecu.public_key);
  const int primary = ecu.primary ? 1 : 0;
  const long long updated_at = Seconds(now);
  // A new key is a new identity: its reports count from scratch.
  const bool same_key = old.public_key == ecu.public_key;
  long long counter = static_cast<long long>(old.report_counter.value_or(0));
  soci::indicator counter_null = same_key && old.report_counter ? soci::i_ok : soci::i_null;
  sql << "UPDATE director_ecus SET hardware_id = :hardware_id, public_key = :public_key,"
         " is_primary = :is_primary, report_counter = :counter, updated_at = :updated_at"
         " WHERE serial = :serial",
      soci::use(ecu.hardware_id), soci::use(key), soci::use(primary),
      soci::use(counter, counter_null), soci::use(updated_at), soci::use(ecu.serial);
}

void InsertEcu(soci::session& sql, const std::string& device_id, const EcuRegistration& ecu,
               TimePoint now) {
  const std::string key = JsonText(ecu.public_key);
  const int primary = ecu.primary ? 1 : 0;
  const long long updated_at = Seconds(now);
  sql << "INSERT INTO director_ecus (serial, device_id, hardware_id, public_key, is_primary,"
         " updated_at) VALUES (:serial, :device_id, :hardware_id, :public_key, :is_primary,"
         " :updated_at)",
      soci::use(ecu.serial), soci::use(device_id), soci::use(ecu.hardware_id), soci::use(key),
      soci::use(primary), soci::use(updated_at);
}

}  // namespace

Result<std::vector<EcuRegistration>> ParseRegistration(const json& registration) {
  if (!registration.is_object()) return Malformed("the registration must be a JSON object");
  OTTER_ASSIGN(const std::string primary, StringMember(registration, "primary_ecu_serial"));
  if (!registration.contains("ecus") || !registration["ecus"].is_array())
    return Malformed("\"ecus\" must be an array");
  std::vector<EcuRegistration> ecus;
  for (const json& ecu : registration["ecus"]) {
    OTTER_ASSIGN(EcuRegistration parsed, ParseEcu(ecu));
    parsed.primary = parsed.serial == primary;
    ecus.push_back(std::move(parsed));
  }
  OTTER_TRY(CheckSet(ecus, primary));
  return ecus;
}

Result<std::vector<Ecu>> LoadEcus(soci::session& sql, const std::string& device_id) {
  std::vector<Ecu> ecus;
  Ecu ecu;
  std::string key;
  int primary = 0;
  long long counter = 0, length = 0, updated_at = 0;
  std::string filepath, sha256;
  soci::indicator counter_null, filepath_null, length_null, sha256_null;
  soci::statement select =
      (sql.prepare << "SELECT serial, hardware_id, public_key, is_primary, report_counter,"
                      " installed_filepath, installed_length, installed_sha256, updated_at"
                      " FROM director_ecus WHERE device_id = :device_id"
                      " ORDER BY is_primary DESC, serial",
       soci::into(ecu.serial), soci::into(ecu.hardware_id), soci::into(key), soci::into(primary),
       soci::into(counter, counter_null), soci::into(filepath, filepath_null),
       soci::into(length, length_null), soci::into(sha256, sha256_null), soci::into(updated_at),
       soci::use(device_id));
  select.execute();
  while (select.fetch()) {
    ecu.public_key = ParseJsonText(key);
    ecu.primary = primary != 0;
    ecu.report_counter.reset();
    if (counter_null == soci::i_ok) ecu.report_counter = static_cast<std::uint64_t>(counter);
    ecu.installed.reset();
    if (filepath_null == soci::i_ok && length_null == soci::i_ok && sha256_null == soci::i_ok)
      ecu.installed = InstalledImage{filepath, static_cast<std::uint64_t>(length), sha256};
    ecu.updated_at = FromSeconds(updated_at);
    ecus.push_back(ecu);
  }
  return ecus;
}

const Ecu* FindEcu(const std::vector<Ecu>& ecus, const std::string& serial) {
  auto it =
      std::find_if(ecus.begin(), ecus.end(), [&](const Ecu& ecu) { return ecu.serial == serial; });
  return it == ecus.end() ? nullptr : &*it;
}

const Ecu* PrimaryEcu(const std::vector<Ecu>& ecus) {
  auto it = std::find_if(ecus.begin(), ecus.end(), [](const Ecu& ecu) { return ecu.primary; });
  return it == ecus.end() ? nullptr : &*it;
}

Result<std::optional<std::string>> EcuOwner(soci::session& sql, const std::string& serial) {
  std::string device_id;
  sql << "SELECT device_id FROM director_ecus WHERE serial = :serial", soci::use(serial),
      soci::into(device_id);
  if (!sql.got_data()) return std::optional<std::string>();
  return std::optional<std::string>(device_id);
}

Result<bool> ApplyRegistration(soci::session& sql, const std::string& device_id,
                               const std::vector<EcuRegistration>& ecus, TimePoint now) {
  OTTER_ASSIGN(const std::vector<Ecu> existing, LoadEcus(sql, device_id));
  for (const EcuRegistration& ecu : ecus) {
    OTTER_ASSIGN(const auto owner, EcuOwner(sql, ecu.serial));
    if (owner && *owner != device_id)
      return MakeError(DirectorErrc::kEcuTaken, "ECU " + ecu.serial + " belongs to another device");
  }
  if (SameSet(existing, ecus)) return false;
  OTTER_TRY(RetireOld(sql, existing, ecus, now));
  for (const EcuRegistration& ecu : ecus) {
    const Ecu* old = FindEcu(existing, ecu.serial);
    if (old != nullptr) {
      UpdateEcu(sql, *old, ecu, now);
    } else {
      InsertEcu(sql, device_id, ecu, now);
    }
  }
  return true;
}

Status RecordEcuReport(soci::session& sql, const uptane::EcuVersionReport& report, TimePoint now) {
  const auto& image = report.installed_image;
  const long long counter = static_cast<long long>(report.report_counter);
  const long long length = static_cast<long long>(image.length);
  auto sha256_it = image.hashes.find("sha256");
  const std::string sha256 = sha256_it == image.hashes.end() ? "" : sha256_it->second;
  const long long updated_at = Seconds(now);
  sql << "UPDATE director_ecus SET report_counter = :counter, installed_filepath = :filepath,"
         " installed_length = :length, installed_sha256 = :sha256, updated_at = :updated_at"
         " WHERE serial = :serial",
      soci::use(counter), soci::use(image.filepath), soci::use(length), soci::use(sha256),
      soci::use(updated_at), soci::use(report.ecu_serial);
  return Ok();
}

Result<std::vector<HardwareEcu>> EcusWithHardware(soci::session& sql,
                                                  const std::string& hardware_id) {
  std::vector<HardwareEcu> ecus;
  HardwareEcu ecu;
  int revoked = 0;
  soci::statement select =
      (sql.prepare << "SELECT e.device_id, d.revoked, e.serial FROM director_ecus e"
                      " JOIN devices d ON d.id = e.device_id"
                      " WHERE e.hardware_id = :hardware_id ORDER BY e.device_id, e.serial",
       soci::into(ecu.device_id), soci::into(revoked), soci::into(ecu.serial),
       soci::use(hardware_id));
  select.execute();
  while (select.fetch()) {
    ecu.revoked = revoked != 0;
    ecus.push_back(ecu);
  }
  return ecus;
}

}  // namespace otter::director::internal
