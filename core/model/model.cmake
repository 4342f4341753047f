target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/yamltree.cpp ${CMAKE_CURRENT_LIST_DIR}/yamltree.h
    ${CMAKE_CURRENT_LIST_DIR}/scalarmap.cpp ${CMAKE_CURRENT_LIST_DIR}/scalarmap.h
    ${CMAKE_CURRENT_LIST_DIR}/yamlreader.cpp ${CMAKE_CURRENT_LIST_DIR}/yamlreader.h
    ${CMAKE_CURRENT_LIST_DIR}/policy.cpp ${CMAKE_CURRENT_LIST_DIR}/policy.h
    ${CMAKE_CURRENT_LIST_DIR}/policyloader.cpp ${CMAKE_CURRENT_LIST_DIR}/policyloader.h
    ${CMAKE_CURRENT_LIST_DIR}/policywriter.cpp ${CMAKE_CURRENT_LIST_DIR}/policywriter.h
    ${CMAKE_CURRENT_LIST_DIR}/policyvalidator.cpp ${CMAKE_CURRENT_LIST_DIR}/policyvalidator.h
)
