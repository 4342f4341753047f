# PII detection and redaction, safety_score (docs/pii.md).
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/piivalidators.cpp ${CMAKE_CURRENT_LIST_DIR}/piivalidators.h
    ${CMAKE_CURRENT_LIST_DIR}/piipatterns.cpp ${CMAKE_CURRENT_LIST_DIR}/piipatterns.h
    ${CMAKE_CURRENT_LIST_DIR}/piinumbers.cpp ${CMAKE_CURRENT_LIST_DIR}/piinumbers.h
    ${CMAKE_CURRENT_LIST_DIR}/piicandidate.cpp ${CMAKE_CURRENT_LIST_DIR}/piicandidate.h
    ${CMAKE_CURRENT_LIST_DIR}/piiemailwords.cpp ${CMAKE_CURRENT_LIST_DIR}/piiemailwords.h
    ${CMAKE_CURRENT_LIST_DIR}/piiencoded.cpp ${CMAKE_CURRENT_LIST_DIR}/piiencoded.h
    ${CMAKE_CURRENT_LIST_DIR}/piioverlap.cpp ${CMAKE_CURRENT_LIST_DIR}/piioverlap.h
    ${CMAKE_CURRENT_LIST_DIR}/piidetector.cpp ${CMAKE_CURRENT_LIST_DIR}/piidetector.h
    ${CMAKE_CURRENT_LIST_DIR}/piiwhy.cpp ${CMAKE_CURRENT_LIST_DIR}/piiwhy.h
    ${CMAKE_CURRENT_LIST_DIR}/piinormalise.cpp ${CMAKE_CURRENT_LIST_DIR}/piinormalise.h
    ${CMAKE_CURRENT_LIST_DIR}/piivalue.cpp ${CMAKE_CURRENT_LIST_DIR}/piivalue.h
    ${CMAKE_CURRENT_LIST_DIR}/safetyrules.cpp ${CMAKE_CURRENT_LIST_DIR}/safetyrules.h
    ${CMAKE_CURRENT_LIST_DIR}/safetyscorer.cpp ${CMAKE_CURRENT_LIST_DIR}/safetyscorer.h
    ${CMAKE_CURRENT_LIST_DIR}/commandsafetyscorer.cpp
)
