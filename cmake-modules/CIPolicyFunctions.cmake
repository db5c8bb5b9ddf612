# cipolicy_sign() and cipolicy_sign_target(): sign Windows App Control (WDAC) policy binaries as
# part of a CMake build. Included by CIPolicyConfig.cmake (find_package(CIPolicy)) and by the
# cipolicy project itself (add_subdirectory / FetchContent). All signing logic lives in the cipolicy
# executable: these functions only map arguments to its flags. Reference: docs/build-integration.md.
#
#   cipolicy_sign(<name> POLICIES <.xml or .bin file, or generator expression>...
#                 [FORMAT_VERSION <n>] [OUTPUT_NAME <file name>] [OUTPUT_DIR <dir>]
#                 [CONFIG <cipolicy.yaml>] [METADATA <metadata.json>]
#                 [TIMESTAMP_URLS <url>...] [DEPENDS <file or target>...] [ALL])
#     Policy XML is compiled (`cipolicy compile`) into <binary dir>/<name>-compiled/<stem>.bin.
#     One signing command per policy, OUTPUT <dir>/{PolicyID}.cip (SiPolicy.p7b for the
#     single-policy format; the name is read at configure time), DEPENDS policy + config +
#     metadata + tool, and through a DEPFILE the key, certificate, PFX and chain files the
#     configuration names. A supplemental XML whose base is in the same call is checked with
#     `cipolicy verify --base`. A custom target <name> depends on all of it: a no-op rebuild runs
#     nothing; editing an input re-runs only what it affects.
#
#   cipolicy_sign_target(<target> POLICIES <file or generator expression>...
#                        [OUTPUT_DIR <dir>] [CONFIG <file>] [METADATA <file>] [TIMESTAMP_URLS <url>...])
#     Signs policy binaries <target> produces as a POST_BUILD step (runs whenever <target> is
#     rebuilt), into <dir>/{PolicyID}.cip or SiPolicy.p7b as the tool names them.
#     Call it in the directory that creates <target>.
#
#   cipolicy_get_tool(<command-var> <depends-var>)
#     The command to run cipolicy in add_custom_command(COMMAND ...) and what to put in DEPENDS.
#
#   cipolicy_get_configure_time_tool(<path-var>)
#     The cipolicy that execute_process() can run at configure time, or "" if none can yet.
#
# Variables: CIPOLICY_CONFIG (project cipolicy.yaml; empty: cipolicy.yaml beside the calling
# CMakeLists.txt if there is one), CIPOLICY_SIGNING (AUTO|ON|OFF), CIPOLICY_EXECUTABLE (run this
# file instead of the CIPolicy::cipolicy target).
# Relative input paths (POLICIES, CONFIG, METADATA, CIPOLICY_CONFIG) resolve against
# CMAKE_CURRENT_SOURCE_DIR; a relative OUTPUT_DIR against CMAKE_CURRENT_BINARY_DIR.
include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.25)
  message(FATAL_ERROR "CIPolicy: the cipolicy_sign() functions need CMake 3.25 or newer "
                      "(this is ${CMAKE_VERSION}); please upgrade CMake.")
endif()

set(CIPOLICY_CONFIG "" CACHE FILEPATH
    "cipolicy.yaml used by cipolicy_sign() when a call gives no CONFIG (empty: cipolicy.yaml beside the calling CMakeLists.txt, if any)")
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
    message(FATAL_ERROR "${fn}: POLICIES is required: the policy XML or binaries to sign, e.g. "
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
  # As CIPolicy.Build does beside the project: a cipolicy.yaml beside this CMakeLists.txt.
  if(config STREQUAL "" AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/cipolicy.yaml")
    set(config "${CMAKE_CURRENT_SOURCE_DIR}/cipolicy.yaml")
    set(source "cipolicy.yaml beside ${CMAKE_CURRENT_LIST_FILE}")
  endif()
  if(NOT config STREQUAL "")
    cmake_path(ABSOLUTE_PATH config BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${config}")
      message(FATAL_ERROR "${fn}: ${what}: CIP9003: the configuration file ${config} (from "
                          "${source}) does not exist. Create it (every key: templates/cipolicy.yaml "
                          "of cipolicy, share/cipolicy/templates/ of an installation), or point "
                          "${source} at your cipolicy.yaml.")
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
    message(FATAL_ERROR "${fn}: ${what}: CIP9002: CIPOLICY_SIGNING is ON but no signing "
                        "configuration is present. Put cipolicy.yaml beside "
                        "${CMAKE_CURRENT_LIST_FILE}, set CIPOLICY_CONFIG to your cipolicy.yaml, pass "
                        "CONFIG <file>, or set the environment variable CIPOLICY_CONFIG; or use "
                        "CIPOLICY_SIGNING=AUTO to build unsigned.")
  endif()
  message(WARNING "${fn}: ${what}: CIP9010: not signed, no signing configuration. Put "
                  "cipolicy.yaml beside ${CMAKE_CURRENT_LIST_FILE}, set CIPOLICY_CONFIG or pass "
                  "CONFIG <file> (or set the environment variable CIPOLICY_CONFIG) to sign; "
                  "-DCIPOLICY_SIGNING=OFF builds unsigned without this warning, "
                  "-DCIPOLICY_SIGNING=ON makes it an error.")
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

# The text of XML element <name> (any namespace prefix) in `text`, as an upper-case braced GUID;
# empty when absent.
function(_cipolicy_xml_guid text name out)
  set(ws "[ \t\r\n]*")
  set(value "")
  if(text MATCHES "<([A-Za-z0-9_.-]+:)?${name}>${ws}{?([0-9A-Fa-f-]+)}?${ws}</")
    string(TOUPPER "{${CMAKE_MATCH_2}}" value)
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# What cipolicy sign --output-dir names a policy compiled from `xml`, read at configure time:
# <prefix>_NAME ({PolicyID}.cip or SiPolicy.p7b, empty if the XML names no identity; the compiler
# then reports it), <prefix>_ID, <prefix>_BASE and <prefix>_SUPPLEMENTAL.
function(_cipolicy_xml_identity xml prefix)
  file(READ "${xml}" text)
  # Comments may hold old IDs; XML forbids "--" inside a comment.
  string(REGEX REPLACE "<!--([^-]|-[^-])*-->" "" text "${text}")
  _cipolicy_xml_guid("${text}" PolicyTypeID type_id)
  _cipolicy_xml_guid("${text}" PolicyID id)
  _cipolicy_xml_guid("${text}" BasePolicyID base)
  set(raw_id "")
  if(text MATCHES "<([A-Za-z0-9_.-]+:)?PolicyID>([^<]*)</")
    string(STRIP "${CMAKE_MATCH_2}" raw_id)
  endif()
  set(name "")
  if(type_id)
    set(name "SiPolicy.p7b")
  elseif(id)
    set(name "${id}.cip")
    # The six PolicyTypeIDs Windows knows: a multiple-policy-format policy whose PolicyID and
    # BasePolicyID are both one of them is read back as single-policy format (as the tool's
    # policy/policy_types.cpp and binary_reader.cpp do). Listed here, not in a variable of the
    # including directory, which add_subdirectory callers would not see.
    set(known_type_ids
        "{A244370E-44C9-4C06-B551-F6016E563076}" "{2A5A0136-F09F-498E-99CC-51099011157C}"
        "{976D12C8-CB9F-4730-BE52-54600843238E}" "{5951A96A-E0B5-4D3D-8FB8-3E5B61030784}"
        "{4E61C68C-97F6-430B-9CD7-9B1004706770}" "{D2BDA982-CCF6-4344-AC5B-0B44427B6816}")
    if(id STREQUAL base AND id IN_LIST known_type_ids)
      set(name "SiPolicy.p7b")
    endif()
  endif()
  set(supplemental FALSE)
  if(text MATCHES "PolicyType[ \t\r\n]*=[ \t\r\n]*[\"'][ \t]*Supplemental Policy")
    set(supplemental TRUE)
  endif()
  set(${prefix}_NAME "${name}" PARENT_SCOPE)
  set(${prefix}_RAW_ID "${raw_id}" PARENT_SCOPE)
  set(${prefix}_ID "${id}" PARENT_SCOPE)
  set(${prefix}_BASE "${base}" PARENT_SCOPE)
  set(${prefix}_SUPPLEMENTAL "${supplemental}" PARENT_SCOPE)
endfunction()

# cipolicy_get_configure_time_tool(<path-var>)
#   A cipolicy runnable now, for execute_process() (CIPOLICY_EXECUTABLE or the installed
#   package's executable), or "" with add_subdirectory (the in-tree tool is built only later).
function(cipolicy_get_configure_time_tool out)
  set(tool "")
  if(CIPOLICY_EXECUTABLE)
    set(tool "${CIPOLICY_EXECUTABLE}")
  elseif(TARGET CIPolicy::cipolicy)
    get_target_property(imported CIPolicy::cipolicy IMPORTED)
    if(imported)
      foreach(property IN ITEMS IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE
                                IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_NOCONFIG
                                IMPORTED_LOCATION_DEBUG IMPORTED_LOCATION_MINSIZEREL)
        get_target_property(location CIPolicy::cipolicy ${property})
        if(location AND EXISTS "${location}")
          set(tool "${location}")
          break()
        endif()
      endforeach()
    endif()
  endif()
  set(${out} "${tool}" PARENT_SCOPE)
endfunction()

# The deployable name of a policy binary that exists at configure time, from `cipolicy inspect`;
# "" when no tool can run yet.
function(_cipolicy_binary_name fn policy out)
  set(${out} "" PARENT_SCOPE)
  cipolicy_get_configure_time_tool(tool)
  if(NOT tool)
    return()
  endif()
  execute_process(COMMAND "${tool}" inspect "${policy}" --json
                  OUTPUT_VARIABLE json ERROR_VARIABLE error RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    string(STRIP "${error}" error)
    message(FATAL_ERROR "${fn}: ${policy} is not a policy binary cipolicy can read: ${error}")
  endif()
  string(JSON name GET "${json}" policy expectedFileName)
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

function(cipolicy_sign name)
  set(_cipolicy_extra_usage
      " [FORMAT_VERSION n] [OUTPUT_NAME name] [VERIFY_ROOTS cert...] [DEPENDS file...] [ALL]")
  cmake_parse_arguments(PARSE_ARGV 1 arg "ALL" "OUTPUT_DIR;CONFIG;METADATA;FORMAT_VERSION;OUTPUT_NAME"
                        "POLICIES;TIMESTAMP_URLS;DEPENDS;VERIFY_ROOTS")
  if(name MATCHES "^(POLICIES|OUTPUT_DIR|OUTPUT_NAME|CONFIG|METADATA|FORMAT_VERSION|TIMESTAMP_URLS|VERIFY_ROOTS|DEPENDS|ALL)$")
    message(FATAL_ERROR "cipolicy_sign: the first argument is the name of the target to create, "
                        "e.g. cipolicy_sign(signed_policies POLICIES policy.xml)")
  endif()
  set(all "")
  if(arg_ALL)
    set(all ALL)
  endif()
  # POLICIES ${list} with an empty list (a glob that matched nothing): say so, sign nothing.
  if("POLICIES" IN_LIST arg_KEYWORDS_MISSING_VALUES AND NOT arg_POLICIES)
    list(REMOVE_ITEM arg_KEYWORDS_MISSING_VALUES POLICIES)
    if(NOT arg_KEYWORDS_MISSING_VALUES AND NOT arg_UNPARSED_ARGUMENTS)
      message(WARNING "cipolicy_sign: ${name}: CIP9006: POLICIES is empty (a file(GLOB) that "
                      "matched nothing?): nothing is compiled or signed. Name your policy XML or "
                      "binaries, e.g. POLICIES policies/base.xml.")
      add_custom_target(${name} ${all})
      set_property(TARGET ${name} PROPERTY CIPOLICY_SIGNED_FILES "")
      return()
    endif()
  endif()
  _cipolicy_check_arguments(cipolicy_sign)
  if(TARGET "${name}")
    message(FATAL_ERROR "cipolicy_sign: a target named '${name}' already exists; choose another "
                        "name (to sign what an existing target produces, use "
                        "cipolicy_sign_target(${name} POLICIES ...)).")
  endif()
  list(LENGTH arg_POLICIES count)
  if(arg_OUTPUT_NAME AND NOT count EQUAL 1)
    message(FATAL_ERROR "cipolicy_sign: ${name}: OUTPUT_NAME names one signed file but POLICIES "
                        "has ${count}; sign that policy in a cipolicy_sign() call of its own.")
  endif()
  set(format_args "")
  if(NOT "${arg_FORMAT_VERSION}" STREQUAL "")
    if(NOT arg_FORMAT_VERSION MATCHES "^[0-9]+$")
      message(FATAL_ERROR "cipolicy_sign: ${name}: FORMAT_VERSION '${arg_FORMAT_VERSION}' is not "
                          "a number; use 5 to 8 (default 8).")
    endif()
    set(format_args --format-version ${arg_FORMAT_VERSION})
  endif()

  _cipolicy_signing_plan(cipolicy_sign "${name}" "${arg_CONFIG}" enabled config)
  set(has_xml FALSE)
  foreach(policy IN LISTS arg_POLICIES)
    if(policy MATCHES "\\.[xX][mM][lL]$")
      set(has_xml TRUE)
    endif()
  endforeach()
  if(NOT enabled AND NOT has_xml)
    add_custom_target(${name} ${all})
    set_property(TARGET ${name} PROPERTY CIPOLICY_SIGNED_FILES "")
    return()
  endif()

  cipolicy_get_tool(tool tool_depends)
  _cipolicy_flags(flags flag_depends "${config}" "${arg_METADATA}" "${arg_TIMESTAMP_URLS}")
  _cipolicy_output_dir(dir "${arg_OUTPUT_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  set(work "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/cipolicy_${name}.dir")
  # Multi-config generators: one dependency file and option stamp per configuration.
  get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  set(config_subdir "")
  if(multi)
    set(config_subdir "/$<CONFIG>")
  endif()
  if(tool STREQUAL "CIPolicy::cipolicy")
    set(tool_identity "$<TARGET_FILE:CIPolicy::cipolicy>")
  else()
    set(tool_identity "${tool}")
  endif()
  set(outputs "")
  set(compiled_files "")
  set(names "")
  set(supplementals "")  # "<signed file>|<BasePolicyID>" of supplemental XML
  set(bases "")          # "<PolicyID>|<signed file>" of every XML policy
  foreach(policy IN LISTS arg_POLICIES)
    unset(xml)
    _cipolicy_input("${policy}" input file_name)
    cmake_path(GET input STEM LAST_ONLY stem)
    set(known FALSE)
    if(input MATCHES "\\.[xX][mM][lL]$" AND NOT input MATCHES "\\$<")
      # Compiled in the build tree; its PolicyID names the signed file.
      set(xml "${input}")
      set(input "${CMAKE_CURRENT_BINARY_DIR}/${name}-compiled/${stem}.bin")
      if(input IN_LIST compiled_files)
        message(FATAL_ERROR "cipolicy_sign: ${name}: two policies named ${stem}.xml; rename one "
                            "or sign them in separate cipolicy_sign() calls.")
      endif()
      list(APPEND compiled_files "${input}")
      # The compile options, for Make as for Ninja (see the sign step's stamp).
      set(compile_stamp "${work}/${stem}.compile-options")
      string(JOIN "\n" compile_text compile ${format_args})
      file(GENERATE OUTPUT "${compile_stamp}" CONTENT "${compile_text}\n")
      add_custom_command(
        OUTPUT "${input}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/${name}-compiled"
        COMMAND ${tool} compile "${xml}" -o "${input}" ${format_args}
        DEPENDS "${xml}" "${compile_stamp}" ${tool_depends} ${arg_DEPENDS}
        COMMENT "Compiling policy ${policy}"
        VERBATIM)
      if(EXISTS "${xml}")
        # A changed PolicyID must rename the signed file: re-read the XML when it changes (the one
        # way to know an output's name before Ninja or Make runs), unless OUTPUT_NAME fixes it.
        if(NOT arg_OUTPUT_NAME)
          set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${xml}")
        endif()
        _cipolicy_xml_identity("${xml}" policy)
        if(policy_NAME)
          set(file_name "${policy_NAME}")
          set(known TRUE)
        endif()
      endif()
    elseif(NOT input MATCHES "\\$<" AND EXISTS "${input}")
      _cipolicy_binary_name(cipolicy_sign "${input}" binary_name)
      if(binary_name)
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${input}")
        set(file_name "${binary_name}")
        set(known TRUE)
      endif()
    endif()
    if(arg_OUTPUT_NAME)
      set(file_name "${arg_OUTPUT_NAME}")
    elseif(NOT known AND enabled AND DEFINED xml AND EXISTS "${xml}")
      # The XML is here, so nothing is "made during the build": its PolicyID is missing or no GUID.
      message(WARNING "cipolicy_sign: ${name}: CIP9007: ${xml} has no PolicyID (or PolicyTypeID) "
                      "that is a GUID ('${policy_RAW_ID}'), so its signed file's name is unknown; "
                      "compiling it will fail. Give <PolicyID> a GUID of your own, in braces "
                      "(cipolicy set-id --reset writes a new one).")
    elseif(NOT known AND enabled)
      message(WARNING "cipolicy_sign: ${name}: CIP9007: the PolicyID of ${policy} cannot be read "
                      "at configure time (made during the build, or no cipolicy to read it yet): "
                      "signed as ${file_name}, a name Windows does not load. Give OUTPUT_NAME "
                      "{PolicyID}.cip, or sign the policy's XML.")
    endif()
    if(NOT enabled)
      list(APPEND outputs "${input}")
      continue()
    endif()
    if(NOT file_name MATCHES "\\$<")
      if(file_name IN_LIST names)
        message(FATAL_ERROR "cipolicy_sign: ${name}: two policies would both be signed to "
                            "${file_name} (the same PolicyID?); give them different PolicyIDs "
                            "or sign them with separate cipolicy_sign() calls and OUTPUT_DIRs.")
      endif()
      list(APPEND names "${file_name}")
    endif()
    set(output "${dir}/${file_name}")
    string(MAKE_C_IDENTIFIER "${file_name}" depname)
    set(depfile "${work}${config_subdir}/${depname}.d")
    # Every option of the command and the tool that runs it: rewritten (by CMake, at generate
    # time) only when they change, so a new digest, timestamp server, format version or tool
    # re-signs under Make too (Ninja also compares command lines itself).
    set(options_stamp "${work}${config_subdir}/${depname}.options")
    string(JOIN "\n" options_text "${tool_identity}" ${format_args} ${flags})
    file(GENERATE OUTPUT "${options_stamp}" CONTENT "${options_text}\n")
    # --build-cache: the parallel sign steps of this build tree share one access token and one
    # root-certificate request (owner-only files that expire with the token).
    add_custom_command(
      OUTPUT "${output}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND ${tool} sign "${input}" -o "${output}" --depfile "${depfile}"
              --depfile-format make --build-cache "${CMAKE_BINARY_DIR}/.cipolicy-cache" ${flags}
      DEPENDS "${input}" "${options_stamp}" ${flag_depends} ${tool_depends} ${arg_DEPENDS}
      DEPFILE "${depfile}"
      COMMENT "Signing policy ${policy}"
      VERBATIM)
    list(APPEND outputs "${output}")
    if(known AND DEFINED xml)
      if(policy_SUPPLEMENTAL)
        list(APPEND supplementals "${output}|${policy_BASE}")
      else()
        list(APPEND bases "${policy_ID}|${output}")
      endif()
    endif()
  endforeach()

  # A supplemental policy with its base in this call: the base must authorize its signer. The
  # roots are those of the configured chain and VERIFY_ROOTS (signed files leave the root out).
  set(verify_args "")
  set(verify_depends "")
  if(config)
    set(verify_args --config "${config}")
  endif()
  foreach(root IN LISTS arg_VERIFY_ROOTS)
    cmake_path(ABSOLUTE_PATH root BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND verify_args --root "${root}")
    list(APPEND verify_depends "${root}")
  endforeach()
  foreach(entry IN LISTS supplementals)
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 supplemental)
    list(GET entry 1 base_id)
    foreach(base IN LISTS bases)
      string(REPLACE "|" ";" base "${base}")
      list(GET base 0 id)
      list(GET base 1 base_file)
      if(id STREQUAL base_id)
        cmake_path(GET supplemental FILENAME supplemental_name)
        set(stamp "${work}/${supplemental_name}.verified")
        add_custom_command(
          OUTPUT "${stamp}"
          COMMAND ${tool} verify "${supplemental}" --base "${base_file}" ${verify_args}
          COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
          DEPENDS "${supplemental}" "${base_file}" ${flag_depends} ${verify_depends} ${tool_depends}
          COMMENT "Checking supplemental policy ${supplemental_name} against its base"
          VERBATIM)
        list(APPEND outputs "${stamp}")
      endif()
    endforeach()
  endforeach()
  add_custom_target(${name} ${all} DEPENDS ${outputs})
  if(enabled)
    list(FILTER outputs EXCLUDE REGEX "\\.verified$")
  else()
    set(outputs "")
  endif()
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
  # The files exist only after <target> ran: the tool names them ({PolicyID}.cip, SiPolicy.p7b).
  foreach(policy IN LISTS arg_POLICIES)
    _cipolicy_input("${policy}" input file_name)
    add_custom_command(
      TARGET ${target} POST_BUILD
      COMMAND ${tool} sign "${input}" --output-dir "${dir}"
              --build-cache "${CMAKE_BINARY_DIR}/.cipolicy-cache" ${flags}
      COMMENT "Signing policy ${policy}"
      VERBATIM)
  endforeach()
  set_property(TARGET ${target} PROPERTY CIPOLICY_OUTPUT_DIR "${dir}")
  # The in-tree tool (add_subdirectory) must be built before <target>'s POST_BUILD step runs.
  if(TARGET "${tool_depends}")
    add_dependencies(${target} ${tool_depends})
  endif()
endfunction()
include("${CMAKE_CURRENT_LIST_DIR}/CIPolicyScan.cmake")  # cipolicy_supplemental() (docs/scan.md)
