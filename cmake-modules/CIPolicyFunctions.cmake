# cipolicy_sign() and cipolicy_sign_target(): sign Windows App Control (WDAC) policy binaries as
# part of a CMake build. Included by CIPolicyConfig.cmake (find_package(CIPolicy)) and by the
# cipolicy project itself (add_subdirectory / FetchContent). All signing logic lives in the cipolicy
# executable: these functions only map arguments to its flags. Reference: docs/build-integration.md.
#
#   cipolicy_sign(<name> POLICIES <file or generator expression>...
#                 [OUTPUT_DIR <dir>] [CONFIG <cipolicy.yaml>] [METADATA <metadata.json>]
#                 [TIMESTAMP_URLS <url>...] [DEPENDS <file or target>...] [ALL])
#     One custom command per policy (OUTPUT <dir>/<stem>.cip, DEPENDS policy + config + metadata +
#     tool) and a custom target <name> that depends on all of them: a no-op rebuild runs nothing;
#     editing a policy or the configuration re-signs what it affects.
#
#   cipolicy_sign_target(<target> POLICIES <file or generator expression>...
#                        [OUTPUT_DIR <dir>] [CONFIG <file>] [METADATA <file>] [TIMESTAMP_URLS <url>...])
#     Signs files <target> produces as a POST_BUILD step (runs whenever <target> is rebuilt).
#     Call it in the directory that creates <target>.
#
#   cipolicy_get_tool(<command-var> <depends-var>)
#     The command to run cipolicy in add_custom_command(COMMAND ...) and what to put in DEPENDS.
#
# Variables: CIPOLICY_CONFIG (project cipolicy.yaml), CIPOLICY_SIGNING (AUTO|ON|OFF),
# CIPOLICY_EXECUTABLE (run this file instead of the CIPolicy::cipolicy target).
# Relative input paths (POLICIES, CONFIG, METADATA, CIPOLICY_CONFIG) resolve against
# CMAKE_CURRENT_SOURCE_DIR; a relative OUTPUT_DIR against CMAKE_CURRENT_BINARY_DIR.
include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.24)
  message(FATAL_ERROR "CIPolicy: the cipolicy_sign() functions need CMake 3.24 or newer "
                      "(this is ${CMAKE_VERSION}); please upgrade CMake.")
endif()

set(CIPOLICY_CONFIG "" CACHE FILEPATH
    "cipolicy.yaml used by cipolicy_sign() when a call gives no CONFIG (empty: none)")
set(CIPOLICY_SIGNING "AUTO" CACHE STRING
    "AUTO: sign when a configuration is present, else build unsigned; ON: require signing; OFF: never sign")
set_property(CACHE CIPOLICY_SIGNING PROPERTY STRINGS AUTO ON OFF)
set(CIPOLICY_EXECUTABLE "" CACHE FILEPATH
    "cipolicy executable to run instead of the CIPolicy::cipolicy target (empty: the target)")

# cipolicy_get_tool(<command-var> <depends-var>)
function(cipolicy_get_tool command_var depends_var)
  if(NOT ARGC EQUAL 2)
    message(FATAL_ERROR "cipolicy_get_tool: expected two variable names: "
                        "cipolicy_get_tool(<command-var> <depends-var>)")
  endif()
  if(CIPOLICY_EXECUTABLE)
    if(NOT IS_ABSOLUTE "${CIPOLICY_EXECUTABLE}" OR NOT EXISTS "${CIPOLICY_EXECUTABLE}")
      message(FATAL_ERROR "CIPolicy: CIPOLICY_EXECUTABLE='${CIPOLICY_EXECUTABLE}' is not an "
                          "existing absolute path. Give the full path of the cipolicy executable, "
                          "or clear it to use the CIPolicy::cipolicy target.")
    endif()
    set(${command_var} "${CIPOLICY_EXECUTABLE}" PARENT_SCOPE)
    set(${depends_var} "${CIPOLICY_EXECUTABLE}" PARENT_SCOPE)
  elseif(TARGET CIPolicy::cipolicy)
    get_target_property(imported CIPolicy::cipolicy IMPORTED)
    if(imported)
      # An imported executable: depend on its file.
      set(${depends_var} "$<TARGET_FILE:CIPolicy::cipolicy>" PARENT_SCOPE)
    else()
      # The in-tree target (add_subdirectory): naming it adds target- and file-level dependencies.
      get_target_property(real CIPolicy::cipolicy ALIASED_TARGET)
      set(${depends_var} "${real}" PARENT_SCOPE)
    endif()
    set(${command_var} "CIPolicy::cipolicy" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "CIPolicy: no cipolicy executable is known. Use find_package(CIPolicy) "
                        "or add_subdirectory(<cipolicy source>) before calling the cipolicy_* "
                        "functions, or set CIPOLICY_EXECUTABLE to the full path of cipolicy.")
  endif()
endfunction()

# Validates the arguments every cipolicy_* signing function shares.
macro(_cipolicy_check_arguments fn)
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${fn}: unknown argument(s) '${arg_UNPARSED_ARGUMENTS}'. Expected: "
                        "${fn}(<name> POLICIES <file>... [OUTPUT_DIR dir] [CONFIG file] "
                        "[METADATA file] [TIMESTAMP_URLS url...]${_cipolicy_extra_usage})")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${fn}: '${arg_KEYWORDS_MISSING_VALUES}' needs a value, e.g. "
                        "POLICIES policy.bin, CONFIG cipolicy.yaml, OUTPUT_DIR signed")
  endif()
  # A misspelt keyword after POLICIES lands in the list: an all-capitals word is not a file name.
  foreach(_cipolicy_arg IN LISTS arg_POLICIES arg_TIMESTAMP_URLS arg_DEPENDS)
    if(_cipolicy_arg MATCHES "^[A-Z][A-Z0-9_]+$" AND NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${_cipolicy_arg}")
      message(FATAL_ERROR "${fn}: unknown argument '${_cipolicy_arg}'. Expected: "
                          "${fn}(<name> POLICIES <file>... [OUTPUT_DIR dir] [CONFIG file] "
                          "[METADATA file] [TIMESTAMP_URLS url...]${_cipolicy_extra_usage})")
    endif()
  endforeach()
  if(NOT arg_POLICIES)
    message(FATAL_ERROR "${fn}: POLICIES is required: the policy binaries to sign, e.g. "
                        "${fn}(<name> POLICIES policy.bin)")
  endif()
endmacro()

# Decides whether signing happens and with which configuration file.
#   <enabled-var>: TRUE/FALSE; <config-var>: absolute config path or "" (tool reads its environment).
function(_cipolicy_signing_plan fn what explicit_config enabled_var config_var)
  string(TOUPPER "${CIPOLICY_SIGNING}" mode)
  if(mode STREQUAL "")
    set(mode AUTO)
  endif()
  if(NOT mode MATCHES "^(AUTO|ON|OFF)$")
    message(FATAL_ERROR "${fn}: CIPOLICY_SIGNING='${CIPOLICY_SIGNING}' is not valid; use AUTO, ON "
                        "or OFF.")
  endif()
  set(${enabled_var} FALSE PARENT_SCOPE)
  set(${config_var} "" PARENT_SCOPE)
  if(mode STREQUAL "OFF")
    message(STATUS "cipolicy: ${what}: not signed (CIPOLICY_SIGNING is OFF)")
    return()
  endif()
  set(config "${explicit_config}")
  set(source "CONFIG")
  if(config STREQUAL "")
    set(config "${CIPOLICY_CONFIG}")
    set(source "CIPOLICY_CONFIG")
  endif()
  if(NOT config STREQUAL "")
    cmake_path(ABSOLUTE_PATH config BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${config}")
      message(FATAL_ERROR "${fn}: ${what}: the configuration file ${config} (from ${source}) does "
                          "not exist. Create it from templates/cipolicy.yaml, or point ${source} "
                          "at your cipolicy.yaml.")
    endif()
    set(${enabled_var} TRUE PARENT_SCOPE)
    set(${config_var} "${config}" PARENT_SCOPE)
    return()
  endif()
  if(DEFINED ENV{CIPOLICY_CONFIG})
    # The tool reads the variable itself at build time; nothing is copied into build files.
    message(STATUS "cipolicy: ${what}: signing with the configuration the environment variable "
                   "CIPOLICY_CONFIG names at build time")
    set(${enabled_var} TRUE PARENT_SCOPE)
    return()
  endif()
  if(mode STREQUAL "ON")
    message(FATAL_ERROR "${fn}: ${what}: CIPOLICY_SIGNING is ON but no signing configuration is "
                        "present. Set CIPOLICY_CONFIG to your cipolicy.yaml (template: "
                        "templates/cipolicy.yaml), pass CONFIG <file>, or set the environment "
                        "variable CIPOLICY_CONFIG; or use CIPOLICY_SIGNING=AUTO to build unsigned.")
  endif()
  message(STATUS "cipolicy: ${what}: not signed (no configuration: set CIPOLICY_CONFIG to a "
                 "cipolicy.yaml to sign; CIPOLICY_SIGNING=ON makes this an error)")
endfunction()

# Flags shared by both functions: --config, --metadata, --timestamp-url (only when given).
function(_cipolicy_flags out_flags out_depends config metadata urls)
  set(flags "")
  set(depends "")
  if(config)
    list(APPEND flags --config "${config}")
    list(APPEND depends "${config}")
  endif()
  if(metadata)
    cmake_path(ABSOLUTE_PATH metadata BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${metadata}")
      message(FATAL_ERROR "CIPolicy: the METADATA file ${metadata} does not exist. Create it "
                          "from templates/metadata.json (Trusted Signing endpoint, account and "
                          "certificate profile), or leave METADATA out.")
    endif()
    list(APPEND flags --metadata "${metadata}")
    list(APPEND depends "${metadata}")
  endif()
  foreach(url IN LISTS urls)
    list(APPEND flags --timestamp-url "${url}")
  endforeach()
  set(${out_flags} "${flags}" PARENT_SCOPE)
  set(${out_depends} "${depends}" PARENT_SCOPE)
endfunction()

# The output folder: OUTPUT_DIR (relative to the binary dir) or <binary dir>/<name>, plus
# /$<CONFIG> under multi-config generators unless the folder already uses a generator expression.
function(_cipolicy_output_dir out given default)
  set(dir "${given}")
  if(dir STREQUAL "")
    set(dir "${default}")
  endif()
  if(NOT dir MATCHES "^\\$<")
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
  endif()
  get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi AND NOT dir MATCHES "\\$<")
    string(APPEND dir "/$<CONFIG>")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# One input: its absolute path and the signed file's name (<stem>.cip), generator expressions kept.
function(_cipolicy_input policy out_path out_name)
  if(policy MATCHES "\\$<")
    set(${out_path}
        "$<PATH:ABSOLUTE_PATH,NORMALIZE,${policy},${CMAKE_CURRENT_SOURCE_DIR}>" PARENT_SCOPE)
    set(${out_name} "$<PATH:GET_STEM,LAST_ONLY,${policy}>.cip" PARENT_SCOPE)
  else()
    cmake_path(ABSOLUTE_PATH policy BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    cmake_path(GET policy STEM LAST_ONLY stem)
    set(${out_path} "${policy}" PARENT_SCOPE)
    set(${out_name} "${stem}.cip" PARENT_SCOPE)
  endif()
endfunction()

function(cipolicy_sign name)
  set(_cipolicy_extra_usage " [DEPENDS file...] [ALL]")
  cmake_parse_arguments(PARSE_ARGV 1 arg "ALL" "OUTPUT_DIR;CONFIG;METADATA"
                        "POLICIES;TIMESTAMP_URLS;DEPENDS")
  if(name MATCHES "^(POLICIES|OUTPUT_DIR|CONFIG|METADATA|TIMESTAMP_URLS|DEPENDS|ALL)$")
    message(FATAL_ERROR "cipolicy_sign: the first argument is the name of the target to create, "
                        "e.g. cipolicy_sign(signed_policies POLICIES policy.bin)")
  endif()
  _cipolicy_check_arguments(cipolicy_sign)
  if(TARGET "${name}")
    message(FATAL_ERROR "cipolicy_sign: a target named '${name}' already exists; choose another "
                        "name (to sign what an existing target produces, use "
                        "cipolicy_sign_target(${name} POLICIES ...)).")
  endif()
  set(all "")
  if(arg_ALL)
    set(all ALL)
  endif()

  _cipolicy_signing_plan(cipolicy_sign "${name}" "${arg_CONFIG}" enabled config)
  if(NOT enabled)
    add_custom_target(${name} ${all})
    set_property(TARGET ${name} PROPERTY CIPOLICY_SIGNED_FILES "")
    return()
  endif()

  cipolicy_get_tool(tool tool_depends)
  _cipolicy_flags(flags flag_depends "${config}" "${arg_METADATA}" "${arg_TIMESTAMP_URLS}")
  _cipolicy_output_dir(dir "${arg_OUTPUT_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  set(outputs "")
  set(names "")
  foreach(policy IN LISTS arg_POLICIES)
    _cipolicy_input("${policy}" input file_name)
    if(NOT file_name MATCHES "\\$<")
      if(file_name IN_LIST names)
        message(FATAL_ERROR "cipolicy_sign: ${name}: two policies would both be signed to "
                            "${file_name}; give them different file names or sign them with "
                            "separate cipolicy_sign() calls and OUTPUT_DIRs.")
      endif()
      list(APPEND names "${file_name}")
    endif()
    set(output "${dir}/${file_name}")
    add_custom_command(
      OUTPUT "${output}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND ${tool} sign "${input}" -o "${output}" ${flags}
      DEPENDS "${input}" ${flag_depends} ${tool_depends} ${arg_DEPENDS}
      COMMENT "Signing policy ${policy}"
      VERBATIM)
    list(APPEND outputs "${output}")
  endforeach()
  add_custom_target(${name} ${all} DEPENDS ${outputs})
  set_property(TARGET ${name} PROPERTY CIPOLICY_SIGNED_FILES "${outputs}")
endfunction()

function(cipolicy_sign_target target)
  set(_cipolicy_extra_usage "")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_DIR;CONFIG;METADATA" "POLICIES;TIMESTAMP_URLS")
  _cipolicy_check_arguments(cipolicy_sign_target)
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "cipolicy_sign_target: '${target}' is not a target; call it after the "
                        "add_executable/add_custom_target that creates it, or use cipolicy_sign() "
                        "for plain files.")
  endif()
  get_target_property(aliased "${target}" ALIASED_TARGET)
  get_target_property(imported "${target}" IMPORTED)
  if(aliased OR imported)
    message(FATAL_ERROR "cipolicy_sign_target: '${target}' is an alias or imported target; name "
                        "the real target, in the directory that creates it.")
  endif()
  get_target_property(target_dir "${target}" SOURCE_DIR)
  if(NOT target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    message(FATAL_ERROR "cipolicy_sign_target: '${target}' is created in ${target_dir}; CMake "
                        "adds POST_BUILD steps only there. Call cipolicy_sign_target() in that "
                        "directory, or use cipolicy_sign().")
  endif()

  _cipolicy_signing_plan(cipolicy_sign_target "${target}" "${arg_CONFIG}" enabled config)
  if(NOT enabled)
    return()
  endif()
  cipolicy_get_tool(tool tool_depends)
  _cipolicy_flags(flags flag_depends "${config}" "${arg_METADATA}" "${arg_TIMESTAMP_URLS}")
  _cipolicy_output_dir(dir "${arg_OUTPUT_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/${target}-signed")
  set(outputs "")
  foreach(policy IN LISTS arg_POLICIES)
    _cipolicy_input("${policy}" input file_name)
    set(output "${dir}/${file_name}")
    add_custom_command(
      TARGET ${target} POST_BUILD
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND ${tool} sign "${input}" -o "${output}" ${flags}
      COMMENT "Signing policy ${policy}"
      VERBATIM)
    list(APPEND outputs "${output}")
  endforeach()
  set_property(TARGET ${target} APPEND PROPERTY CIPOLICY_SIGNED_FILES "${outputs}")
  # The in-tree tool (add_subdirectory) must be built before <target>'s POST_BUILD step runs.
  if(TARGET "${tool_depends}")
    add_dependencies(${target} ${tool_depends})
  endif()
endfunction()
